from kpiaudit.cli import run

run()
