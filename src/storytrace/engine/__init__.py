"""The engines that run an analysis: local (pipeline), dask (distributed), and the steps they share."""
