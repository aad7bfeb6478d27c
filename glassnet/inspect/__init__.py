"""Glass-box tools: checks and views of every number a network computes."""

from glassnet.inspect import plots as plots
from glassnet.inspect.attributions import Explanation as Explanation
from glassnet.inspect.attributions import explain as explain
from glassnet.inspect.attributions import integrated_gradients as integrated_gradients
from glassnet.inspect.attributions import saliency as saliency
from glassnet.inspect.gradcheck import GradcheckReport as GradcheckReport
from glassnet.inspect.gradcheck import gradcheck as gradcheck
from glassnet.inspect.importance import FeatureImportance as FeatureImportance
from glassnet.inspect.importance import permutation_importance as permutation_importance
from glassnet.inspect.trace import ForwardTrace as ForwardTrace
from glassnet.inspect.trace import trace as trace
from glassnet.inspect.trace_step import StepTrace as StepTrace
from glassnet.inspect.trace_step import trace_step as trace_step
