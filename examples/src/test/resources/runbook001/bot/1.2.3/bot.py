"""my_form_bot 1.2.3"""
import configparser
import sys
import time

import formkit

VERSION = "1.2.3"
cfg = configparser.ConfigParser()
cfg.read(sys.argv[1])
formkit.render(cfg["bot"]["form"])
print("my_form_bot %s (formkit %s, form %s) ready" % (VERSION, formkit.__version__, cfg["bot"]["form"]), flush=True)
while True:
    time.sleep(3600)
