"""The errors the emulated Service Layer answers with, as SAP words them."""

from __future__ import annotations


class ServiceLayerFault(Exception):
    """An error answer: HTTP status, SAP's numeric code and message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def invalid_session() -> ServiceLayerFault:
    return ServiceLayerFault(401, 301, "Invalid session or session already timeout.")


def not_found() -> ServiceLayerFault:
    return ServiceLayerFault(404, -2028, "No matching records found (ODBC -2028)")


def entity_not_found(key: object) -> ServiceLayerFault:
    return ServiceLayerFault(404, -2028, f"Entity with value('{key}') does not exist")


def invalid_property(name: str) -> ServiceLayerFault:
    return ServiceLayerFault(400, 201, f"Property '{name}' is invalid")


def invalid_filter() -> ServiceLayerFault:
    return ServiceLayerFault(400, 201, "Query string error - Invalid filter condition")


def unknown_body_property(name: str, type_name: str) -> ServiceLayerFault:
    return ServiceLayerFault(400, -1000, f"Property '{name}' of '{type_name}' is invalid")


def not_supported() -> ServiceLayerFault:
    return ServiceLayerFault(400, -5006, "The requested action is not supported for this object.")


def etag_mismatch() -> ServiceLayerFault:
    return ServiceLayerFault(
        412,
        -2039,
        "Another user or another operation modified data; to continue, open the window again "
        "(ODBC -2039)",
    )
