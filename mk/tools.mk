# Host tools' own tests (python3 from Debian: the chart needs its matplotlib).
.PHONY: tools-check
tools-check: | deps-test
	/usr/bin/python3 -m unittest discover -s tests/tools -p 'test_*.py'

TEST_EXTRA += tools-check
