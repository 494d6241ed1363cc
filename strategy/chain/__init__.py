"""The chain from evidence to plan (Guide §4-7, §12, §15): findings in the evidence and the suggestions
they make (draft aims, outcomes and measures), the links from the plan back to priorities, evidence and
recorded figures, and the chain read both ways (from an action or measure back to the evidence and
forward to its updates, readings and review decisions; from the evidence to what answers it)."""
