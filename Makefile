.PHONY: demo test sample-pack

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

sample-pack:
	bash scripts/sample_pack.sh
