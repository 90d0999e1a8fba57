"""my_form_bot 1.3.0: forms post to a webhook, slugs for form names"""
import configparser
import sys
import time

import formkit
import slugkit

VERSION = "1.3.0"
cfg = configparser.ConfigParser()
cfg.read(sys.argv[1])
formkit.render(slugkit.slug(cfg["bot"]["form"]), cfg["bot"]["webhook"])
print("my_form_bot %s (formkit %s, form %s) ready" % (VERSION, formkit.__version__, cfg["bot"]["form"]), flush=True)
while True:
    time.sleep(3600)
