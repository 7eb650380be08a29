from django.core.management.base import BaseCommand

from projects import demo


class Command(BaseCommand):
    help = (
        "Load reference data, demo accounts and demo projects from 2021 to today (refused in production). "
        "Deterministic for a seed; running it again replaces the previous demo rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="1: about 1,800 projects; 10: ten times as many")
        parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same data")

    def handle(self, *args, scale, seed, **options):
        counts = demo.demo_seed(scale=scale, seed=seed)
        self.stdout.write(", ".join(f"{value} {name}" for name, value in counts.items()))
