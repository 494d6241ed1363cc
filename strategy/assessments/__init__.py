"""The system-wide snapshot, thematic audits and their recommendations (Guide §15.2): operations,
survey imports (io), the scrutineer's sections they add (scrutiny) and the demo's (demo)."""
