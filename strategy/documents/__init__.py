"""The Word documents, one module each: the draft strategy, the progress report, the snapshot report
and the thematic audit briefing."""
