# Proves that the C++ build breaks when protocol.json drops a method the engine names: on a
# copy of the schema, generate protocolschema.h and compile protocol.h against it, once as it is
# (must compile) and once without "stop" (must fail on protocol.h's static_assert).
#   cmake -DSCHEMA=… -DGENERATOR=… -DCXX=… -DINCLUDES="a|b" -DENGINE=… -DWORK=… -P protocol_drift.cmake
file(READ "${SCHEMA}" json)
string(REPLACE "|" ";" includes "${INCLUDES}")
set(flags -std=c++2b -fsyntax-only -fPIC -I${ENGINE})
foreach(dir IN LISTS includes)
  list(APPEND flags -I${dir})
endforeach()

function(compile_with name schema expect_ok)
  set(dir "${WORK}/${name}")
  file(REMOVE_RECURSE "${dir}")
  file(WRITE "${dir}/protocol.json" "${schema}")
  execute_process(COMMAND ${CMAKE_COMMAND} -DINPUT=${dir}/protocol.json -DOUTPUT=${dir}/gen/ipc/protocolschema.h
                          -P ${GENERATOR} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: the generator failed")
  endif()
  file(WRITE "${dir}/use.cpp" "#include \"ipc/protocol.h\"\nint main() { return rr::ipc::kProtocolVersion; }\n")
  execute_process(COMMAND ${CXX} ${flags} -I${dir}/gen ${dir}/use.cpp RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
  if(expect_ok AND NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: protocol.h does not compile against the real schema:\n${err}")
  elseif(NOT expect_ok AND rc EQUAL 0)
    message(FATAL_ERROR "${name}: protocol.h still compiles against a schema without \"stop\"")
  elseif(NOT expect_ok AND NOT err MATCHES "static assertion failed")
    message(FATAL_ERROR "${name}: failed, but not on the schema check:\n${err}")
  endif()
  message(STATUS "${name}: as expected")
endfunction()

compile_with(same "${json}" TRUE)
string(JSON without REMOVE "${json}" methods stop)
compile_with(without_stop "${without}" FALSE)
