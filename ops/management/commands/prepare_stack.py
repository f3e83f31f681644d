from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Make the database and the files a stack serves ready: migrate, collect static files, load the demo data."

    def handle(self, *args, **options):
        # One process for the three steps a stack takes before it starts
        # (deploy/stack.py, Docker's setup service): Django is set up once,
        # not three times, which is a second or two of every stack's start.
        call_command("migrate", interactive=False, stdout=self.stdout)
        call_command("collectstatic", interactive=False, clear=True, stdout=self.stdout)
        call_command("seed_demo", stdout=self.stdout)
