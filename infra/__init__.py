"""The CDK app that deploys the portal (see app.py) and its build helpers."""
