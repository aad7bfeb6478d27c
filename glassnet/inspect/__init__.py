"""Glass-box tools: checks and views of every number a network computes."""

from glassnet.inspect.gradcheck import GradcheckReport as GradcheckReport
from glassnet.inspect.gradcheck import gradcheck as gradcheck
