"""Products the concurrency and fault tests make on a stack."""

import json
import subprocess
import sys

from deploy import stack as stack_module


def create_test_products(stack) -> dict[str, int]:
    """Products made for the concurrency and fault tests on a stack: {slug: id}."""
    code = """
import json
from catalog.models import Category, Product
category, _ = Category.objects.get_or_create(slug="test-rig", defaults={"name": "Test rig"})
stocks = {f"race-spoon-{n}": 1000 for n in range(20)}
stocks.update({"cap-cup": 1000, "last-lamp": 1, "double-dish": 100, "last-vase": 1})
ids = {}
for slug, stock in stocks.items():
    product, _ = Product.objects.get_or_create(
        slug=slug, defaults={"category": category, "name": slug.replace("-", " ").title(), "price": "2.50", "stock": stock}
    )
    ids[slug] = product.pk
print(json.dumps(ids))
"""
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=stack.app_environment(), capture_output=True, text=True, check=True, cwd=stack_module.BASE_DIR,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])
