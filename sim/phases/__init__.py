"""The model's quarterly phases, one module each (the model's ``PHASES`` lists their order).

Each phase is a function of the model: it reads the model's park and firm state and the runtime
objects of ``model.params`` (behaviour and policies), and updates the state in place.
"""
