"""WebSocket connections, delivery through the API Gateway management API, and turn streams."""
