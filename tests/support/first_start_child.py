"""Child of the first-start race test: waits for the start signal, opens the (new) data directory
as every command does, seals a value, and prints its blob id once it is durable."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.store import Store

go = Path(sys.argv[1])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
with Store.open() as store:
    print(store.objects.put(f"valeur de {sys.argv[2]}".encode()), flush=True)
