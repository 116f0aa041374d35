def test_locate_finds_the_grid_holding_a_point(client, jurisdiction):
    response = client.get("/api/locate", {"lon": 120.05, "lat": 40.07})
    assert response.status_code == 200
    body = response.json()
    assert body["grid"]["code"] == "211421100201001"
    assert body["region"] == {"code": "211421100201", "name": "一村", "level": "village"}


def test_grids_of_another_township_are_invisible(as_user):
    response = as_user("township_1_operator").get("/api/grids", {"bbox": "119,39,121,41"})
    assert response.status_code == 200
    codes = {f["properties"]["code"] for f in response.json()["features"]}
    assert codes == {"211421100201001", "211421100201002"}
