"""The helloworld example's hello route, written with Chalice, for bench/local.sh."""
from chalice import Chalice

app = Chalice(app_name="helloworld")


@app.route("/")
def index():
    return {"hello": "world"}
