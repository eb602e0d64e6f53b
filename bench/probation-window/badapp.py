import os, time
time.sleep(float(os.environ.get("LOAD_S", "0")))  # the app's own import/initialisation time
raise RuntimeError("cannot connect to the database")
