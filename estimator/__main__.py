"""``python -m estimator`` runs the same CLI as the ``envelope`` command."""

from estimator.cli import main

main()
