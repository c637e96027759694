"""Deep research on the Standard state machine (statemachines/research.asl.json).

The seed's meta-search pipeline, one Lambda task per step:

    Plan        intent + conversation context -> optimised queries, information gaps,
                recommended agent (the seed's SearchPlan)
    Search      a Map over the queries: web search + pages read + the user's files,
                findings kept in S3, a compact summary in the state (256 KB limit)
    Gaps        what is still missing -> at most one more round of queries (FollowUpSearch)
    Synthesize  a cited report streamed to the user's sockets and stored as the turn's answer

A chat turn starts research through the deep_research worker (start.py), which stores a
"streaming" placeholder answer and starts the execution named by the turn id.
"""
