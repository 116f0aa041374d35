"""`wangge import-geojson FILE`: all features or none."""

import json

from django.core.management.base import BaseCommand, CommandError

from wangge.regions.geojson import ImportRejected, import_feature_collection


class Command(BaseCommand):
    help = "Import regions and grids from a GeoJSON FeatureCollection, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a UTF-8 GeoJSON file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"无法读取 GeoJSON 文件 {file}：{exc}") from exc
        try:
            result = import_feature_collection(data)
        except ImportRejected as exc:
            for error in exc.errors:
                where = "文件" if error.index is None else f"第 {error.index} 个要素"
                code = f"（{error.code}）" if error.code else ""
                self.stderr.write(f"{where}{code}：{error.reason}")
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已导入 {result.regions} 个区划、{result.grids} 个网格。")
