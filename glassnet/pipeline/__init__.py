"""The trained pipeline a user gets, and the one recipe that trains it.

``schema`` → encoder → scaler → network → output decoding, with the split record
(which rows of which data were trained and tested on): see
:mod:`glassnet.pipeline.pipeline` and :mod:`glassnet.pipeline.recipe`.
"""
