"""The synthetic town (演示数据) for `yingbao demo` and the benchmark."""
