"""
The failure stories of the design this shop comes from, replayed here, in
the design document's order; each breaks first, then runs on the shop.

    python -m bench.demos <name>    one story (make demo-<name>)
    python -m bench.demos all       every story, then one table (make demos)

Each starts real stacks (nginx, gunicorn, Redis) on free ports, under
var/demo/, prints what a user went through, and returns its Finding: one
row of the table.
"""

# name -> module (bench/demos/<module>.py, whose run() returns a Finding)
DEMOS = {
    "memory-sessions": "memory_sessions",
    "deploy": "deploy",
    "sticky": "sticky",
    "fixation": "fixation",
    "hijack": "hijack",
    "redis-crash": "redis_crash",
}
