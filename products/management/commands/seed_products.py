from django.core.management.base import BaseCommand

from products import demo


class Command(BaseCommand):
    help = (
        "Demo selection rounds: the 2022 southern regional round (364 entries from 20 provinces, 200 recognised), "
        "the 20 provincial rounds feeding it, and a 2026 Tây Ninh round being judged. Needs the demo accounts "
        "(seed_demo); with --replace, running it again replaces the previous demo rounds. Refused in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same data")
        parser.add_argument("--replace", action="store_true", help="replace the demo rounds already loaded")

    def handle(self, *args, seed, replace, **options):
        if not replace and demo.demo_present():
            self.stdout.write("demo selection rounds already loaded (--replace to load them again)")
            return
        counts = demo.demo_seed(seed=seed)
        self.stdout.write(", ".join(f"{value} {name}" for name, value in counts.items()))
