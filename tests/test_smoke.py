def test_intake_then_show(office):
    tid = office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
    assert tid == "202611-A001"
    data = office.json("show", tid)
    assert data["status"] == "open"
