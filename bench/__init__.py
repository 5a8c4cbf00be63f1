"""`make bench`: this service against Isso, same machine, same gunicorn settings, same run.

Modules: ``corpus`` (realistic comment text), ``data`` (our SQLite database), ``peer``
(Isso's virtual environment, configuration and database), ``servers`` (gunicorn process
groups), ``load`` (wrk or a bounded Python client), ``measures`` (what is measured),
``report`` (the table and docs/performance.md), ``run`` (the command).
"""
