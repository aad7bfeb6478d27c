"""The HTML report: one self-contained page about a trained model, for anyone to read."""

from glassnet.inspect.report.build import ALL_SECTIONS as ALL_SECTIONS
from glassnet.inspect.report.build import build_report as build_report
from glassnet.inspect.report.build import read_comparison as read_comparison
from glassnet.inspect.report.build import read_history_csv as read_history_csv
from glassnet.inspect.report.build import write_report as write_report
