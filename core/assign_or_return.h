// DG_ASSIGN_OR_RETURN, beside core/status.h's DG_RETURN_IF_ERROR.
#pragma once

#include <utility>

#include "core/status.h"

// Assigns the value of a Result expression to `lhs` (a declaration or a variable), or
// returns its Status from the enclosing function.
#define DG_CONCAT_INNER_(a, b) a##b
#define DG_CONCAT_(a, b) DG_CONCAT_INNER_(a, b)
#define DG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
#define DG_ASSIGN_OR_RETURN(lhs, expr) \
  DG_ASSIGN_OR_RETURN_IMPL_(DG_CONCAT_(dg_result_, __LINE__), lhs, expr)
