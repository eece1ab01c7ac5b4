# gunicorn reads this file from its working folder (the project's root, as
# docs/deploy/aula-web.service runs it): access log lines without secret
# tokens (course/logs.py).
logger_class = "course.logs.GunicornLogger"
