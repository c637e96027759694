"""Authentication (OIDC bearer tokens) and the principal a request or turn runs as.

Nothing is re-exported here: importing any `portal.auth.*` module runs this file, and the
local issuer (keys and minting for the local target only) has no place in a deployed
function's cold start; import what you use from its own module.
"""
