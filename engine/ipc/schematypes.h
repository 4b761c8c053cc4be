#pragma once

// The shapes of the generated protocol tables (protocolschema.h, made from protocol.json by
// genprotocol.cmake): plain constant data, so the validator walks them without allocating.

namespace rr::ipc::schema {

enum class FieldType
{
    String,    // non-empty string
    Text,      // any string, empty included
    Bool,      // true or false
    Count,     // non-negative integer
    Object,    // an object; described by `fields` when set, else anything
    Strings,   // array of non-empty strings
    StringMap, // object whose values are strings
    Enum,      // one of `values`
};

// One named field; lists of fields end with a default-constructed entry (name == nullptr).
struct Field
{
    const char *name = nullptr;
    FieldType type = FieldType::String;
    bool required = false;
    const Field *fields = nullptr;       // FieldType::Object with a described shape
    const char *const *values = nullptr; // FieldType::Enum, ends with nullptr
};

struct MethodSchema
{
    const char *name = nullptr;
    const Field *params = nullptr;
};

} // namespace rr::ipc::schema
