"""Workshop mode (issue 18): a steering group builds the strategy together, live. Everyone adds notes
from their own laptop or phone, the facilitator groups them into themes, everyone votes, the room
agrees the wording, and one step writes the result into the strategy through the ordinary
version-checked operations of the answers and the plan. ``operations`` (the workshop itself),
``io`` (its record as CSV or a Word appendix), ``demo`` (the demo's finished workshop)."""
