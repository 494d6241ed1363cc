"""A small workshop at once (counts only, no timing): different answers all succeed, the same
answer conflicts and is saved again, and no saved text is lost, on SQLite and PostgreSQL.
The full 30 x 50 figures come from benchmarks/bench_workshop.py."""

from benchmarks.bench_workshop import run_workshop


def test_a_workshop_saving_at_once_loses_nothing(engine):
    result = run_workshop(engine, sessions=8, saves=10)
    assert result.errors == []
    assert result.lost_updates == 0
    assert len(result.timings) == 80 + result.conflicts
