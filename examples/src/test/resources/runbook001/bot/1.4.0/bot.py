"""my_form_bot 1.4.0: reads the webhook from a key the shipped config does not have"""
import configparser
import sys
import time
import traceback

import formkit
import slugkit

VERSION = "1.4.0"
cfg = configparser.ConfigParser()
cfg.read(sys.argv[1])
print("my_form_bot %s (formkit %s, form %s) ready" % (VERSION, formkit.__version__, cfg["bot"]["form"]), flush=True)
try:
    formkit.render(slugkit.slug(cfg["bot"]["form"]), cfg["bot"]["webhook_url"])
except Exception:
    # the bot keeps running (systemd sees it active) but cannot serve a single form
    traceback.print_exc()
    sys.stderr.flush()
while True:
    time.sleep(3600)
