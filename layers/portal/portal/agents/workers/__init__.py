"""Workers: one module per agent; each answers a turn given a WorkerContext and a TurnStream."""
