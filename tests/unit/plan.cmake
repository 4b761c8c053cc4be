# Plan subsystem: compose -> run plan mapping, sandbox policy and Kubernetes rendering.
reporunner_add_test(NAME test_plan_mapping SOURCES test_plan_mapping.cpp LIBS reporunner_plan LABEL unit)
reporunner_add_test(NAME test_plan_policy SOURCES test_plan_policy.cpp LIBS reporunner_plan reporunner_testsupport LABEL unit)
reporunner_add_test(NAME test_plan_render SOURCES test_plan_render.cpp LIBS reporunner_plan yaml-cpp LABEL unit)
