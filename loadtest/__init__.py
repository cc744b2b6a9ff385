"""Load and fault tests against the product served by gunicorn with deploy/gunicorn.conf.py.

`python -m loadtest.run` measures patients' check submissions; `python -m loadtest.fault` kills
the server mid-load and checks that nothing acknowledged was lost. `make loadtest` runs both.
"""
