"""`wangge export-geojson [--region CODE] [--grids] > file`: a FeatureCollection on stdout."""

import json

from django.core.management.base import BaseCommand, CommandError

from wangge.regions.geojson import export_feature_collection
from wangge.regions.models import Region


class Command(BaseCommand):
    help = "Export regions (and grids with --grids) as a GeoJSON FeatureCollection."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="export only the subtree of this region code")
        parser.add_argument("--grids", action="store_true", help="include the grids")

    def handle(self, *args, region=None, grids=False, **options):
        try:
            collection = export_feature_collection(region, include_grids=grids)
        except Region.DoesNotExist as exc:
            raise CommandError(f"区划 {region} 不存在。") from exc
        self.stdout.write(json.dumps(collection, ensure_ascii=False))
