#!/usr/bin/env python
from pilotage.manage import main

if __name__ == "__main__":
    main()
