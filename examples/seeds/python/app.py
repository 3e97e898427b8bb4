"""A small Flask web app: GET / answers "hello from Python" on port 8080, on all interfaces."""
import os

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "hello from Python (Flask)\n"


if __name__ == "__main__":
    # Flask's own server is enough for the example; a real deployment would use gunicorn.
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))
