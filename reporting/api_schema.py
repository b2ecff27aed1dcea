"""OpenAPI 3.1 description of the read-only dashboard API (served at /api/v1/openapi.json)."""

from indicators.models import FieldCode
from par_portal.params import CODE, MAX_YEAR, MIN_YEAR

FIELDS = list(FieldCode.values)
NUM = {"type": ["number", "null"]}
INT = {"type": ["integer", "null"]}
STATES = [
    "not_started",
    "draft",
    "on_time",
    "late",
    "returned",
    "accepted",
    "missing",
    "not_expected",
]

COMPARED = {
    "type": "object",
    "required": ["year", "provinces", "average_change", "is_synthetic"],
    "properties": {
        "year": INT,
        "provinces": {"type": "integer"},
        "average_change": NUM,
        "is_synthetic": {"type": "boolean"},
    },
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}, "parameter": {"type": "string"}},
    },
    "Ranking": {
        "type": "object",
        "required": [
            "province",
            "year",
            "field",
            "pool",
            "average",
            "target_rank",
            "target_value",
            "target_note",
            "rows",
        ],
        "properties": {
            "province": {"type": "string"},
            "year": {"type": "integer"},
            "field": {"type": ["string", "null"]},
            "pool": {"type": "integer"},
            "average": NUM,
            "target_rank": INT,
            "target_value": NUM,
            "target_note": {"type": "string"},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["province", "name", "value", "rank", "is_synthetic", "is_own"],
                    "properties": {
                        "province": {"type": "string"},
                        "name": {"type": "string"},
                        "value": NUM,
                        "rank": INT,
                        "is_synthetic": {"type": "boolean"},
                        "is_own": {"type": "boolean"},
                    },
                },
            },
        },
    },
    "Trend": {
        "type": "object",
        "required": ["province", "years", "schemes", "scheme_changes", "series"],
        "properties": {
            "province": {"type": "string"},
            "years": {"type": "array", "items": {"type": "integer"}},
            "schemes": {"type": "object", "additionalProperties": {"type": "string"}},
            "scheme_changes": {"type": "array", "items": {"type": "integer"}},
            "series": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["province", "name", "points"],
                    "properties": {
                        "province": {"type": "string"},
                        "name": {"type": "string"},
                        "points": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["year", "index", "rank", "is_synthetic"],
                                "properties": {
                                    "year": {"type": "integer"},
                                    "index": NUM,
                                    "rank": INT,
                                    "is_synthetic": {"type": "boolean"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "Targets": {
        "type": "object",
        "required": ["province", "month", "index", "fields"],
        "properties": {
            "province": {"type": "string"},
            "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
            "index": {
                "type": ["object", "null"],
                "description": "The whole index in the last published year against the plan: "
                "gap_points to the top-N score, gap_pct to the minimum %; is_illustrative when "
                "synthetic figures are involved",
                "required": ["year", "value", "rank", "target_rank", "gap_points", "note"],
                "properties": {
                    "year": {"type": "integer"},
                    "value": NUM,
                    "rank": INT,
                    "is_synthetic": {"type": "boolean"},
                    "target_rank": INT,
                    "target_value": NUM,
                    "gap_points": NUM,
                    "target_pct": NUM,
                    "gap_pct": NUM,
                    "note": {"type": "string"},
                    "is_illustrative": {"type": "boolean"},
                },
            },
            "fields": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "code",
                        "name",
                        "status",
                        "target_rank",
                        "gap_points",
                        "gap_note",
                        "tasks_total",
                        "tasks_done",
                        "tasks_overdue",
                    ],
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "status": {"enum": ["on_track", "at_risk", "off_track", "no_tasks"]},
                        "target_rank": INT,
                        "target_pct": NUM,
                        "last_year": INT,
                        "last_rank": INT,
                        "last_points": NUM,
                        "gap_points": NUM,
                        "gap_note": {"type": "string"},
                        "gap_code": {"enum": ["", "no_result", "too_few", "illustrative"]},
                        "gap_is_illustrative": {"type": "boolean"},
                        "reported_through": {
                            "type": ["string", "null"],
                            "description": "the latest report month the progress rests on",
                        },
                        "tasks_unreported": {"type": "integer"},
                        "tasks_total": {"type": "integer"},
                        "tasks_done": {"type": "integer"},
                        "tasks_behind": {"type": "integer"},
                        "tasks_overdue": {"type": "integer"},
                        "mean_done_pct": NUM,
                        "expected_pct": NUM,
                    },
                },
            },
        },
    },
    "Projection": {
        "type": "object",
        "required": [
            "province",
            "month",
            "year",
            "is_illustrative",
            "index_pct",
            "rank_if_others_stay",
            "rank_if_others_move",
            "compared",
            "fields",
            "where_to_gain",
            "months",
        ],
        "properties": {
            "province": {"type": "string"},
            "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
            "year": {"type": "integer"},
            "scheme": {"type": ["string", "null"]},
            "is_illustrative": {"type": "boolean"},
            "points": NUM,
            "max_points": NUM,
            "index_pct": NUM,
            "rank_if_others_stay": INT,
            "rank_if_others_move": INT,
            "compared": COMPARED,
            "target_rank": INT,
            "target_pct": NUM,
            "gap_to_rank_points": NUM,
            "gap_to_pct_points": NUM,
            "survey_source": {"enum": ["estimate", "published", "mixed", "none"]},
            "sources": {"type": "object", "additionalProperties": {"type": "integer"}},
            "fields": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "points", "max_points", "rank_if_others_stay"],
                    "properties": {
                        "code": {"enum": FIELDS},
                        "name": {"type": "string"},
                        "points": NUM,
                        "max_points": NUM,
                        "target_rank": INT,
                        "target_pct": NUM,
                        "rank_if_others_stay": INT,
                        "rank_if_others_move": INT,
                        "gap_to_rank_points": NUM,
                        "gap_to_pct_points": NUM,
                        "compared": COMPARED,
                    },
                },
            },
            "where_to_gain": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "available", "points", "max_points", "source", "owner"],
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "available": {"type": "number"},
                        "points": {"type": "number"},
                        "max_points": {"type": "number"},
                        "source": {"type": "string"},
                        "owner": {"type": ["string", "null"]},
                        "overdue_tasks": {"type": "array", "items": {"type": "string"}},
                        "evidence": {"type": "integer"},
                    },
                },
            },
            "months": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["month", "index_pct"],
                    "properties": {"month": {"type": "string"}, "index_pct": NUM},
                },
            },
        },
    },
    "Units": {
        "type": "object",
        "required": ["province", "year", "league", "months", "heatmap"],
        "properties": {
            "province": {"type": "string"},
            "year": {"type": "integer"},
            "league": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "unit",
                        "name",
                        "rank",
                        "on_time_pct",
                        "days_late",
                        "tasks_done",
                        "tasks_overdue",
                    ],
                    "properties": {
                        "unit": {"type": "integer"},
                        "name": {"type": "string"},
                        "rank": {"type": "integer"},
                        "on_time_pct": NUM,
                        "days_late": {"type": "integer"},
                        "tasks_done": {"type": "integer"},
                        "tasks_overdue": {"type": "integer"},
                    },
                },
            },
            "months": {"type": "array", "items": {"type": "string"}},
            "heatmap": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["unit", "name", "cells"],
                    "properties": {
                        "unit": {"type": "string"},
                        "name": {"type": "string"},
                        "cells": {"type": "array", "items": {"enum": STATES}},
                    },
                },
            },
        },
    },
}

PROVINCE = {
    "name": "province",
    "in": "query",
    "required": False,
    "description": "Province code; defaults to the caller's province",
    "schema": {"type": "string", "pattern": CODE.pattern},
}
YEAR = {
    "name": "year",
    "in": "query",
    "schema": {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
    "description": "Out of range or not a number: 400",
}


def _get(summary: str, schema: str, parameters: list[dict]) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": [PROVINCE, *parameters],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                    },
                },
                "400": {
                    "description": "Bad parameter",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
                "401": {
                    "description": "Not authenticated",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
                "404": {
                    "description": "Nothing you may read",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
    }


SCHEMA = {
    "openapi": "3.1.0",
    "info": {
        "title": "PAR Portal dashboards API",
        "version": "1.0.0",
        "description": "Read-only, province-scoped data behind the committee's dashboards.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"token": []}, {"session": []}],
    "paths": {
        "/ranking": _get(
            "Every province's published index (or field points) for a year",
            "Ranking",
            [
                YEAR,
                {"name": "field", "in": "query", "schema": {"type": "string", "enum": FIELDS}},
            ],
        ),
        "/trend": _get(
            "The province's (and its predecessors') index and rank per year", "Trend", []
        ),
        "/targets": _get(
            "Per field: target, last result, gap, status, tasks",
            "Targets",
            [
                {
                    "name": "month",
                    "in": "query",
                    "schema": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
                    "description": "YYYY-MM; malformed: 400; no such month: 404",
                },
            ],
        ),
        "/projection": _get(
            "Projected index, ranks under two assumptions, field gaps and where to gain",
            "Projection",
            [
                {
                    "name": "month",
                    "in": "query",
                    "schema": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
                    "description": "YYYY-MM; malformed: 400; no such month: 404",
                },
            ],
        ),
        "/units": _get(
            "League table of units and the units × months heatmap",
            "Units",
            [
                YEAR,
            ],
        ),
    },
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "token": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Token <key> (created in admin → API tokens)",
            },
            "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
        },
    },
}
