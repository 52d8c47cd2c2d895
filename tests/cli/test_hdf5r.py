"""R users read results files with hdf5r. Runs where R and hdf5r are installed
(`apt-get install r-cran-hdf5r`); CI does not install R, so there it is skipped."""
import shutil
import subprocess

import h5py
import numpy as np
import pytest

R_READS_HDF5R = shutil.which("Rscript") is not None and subprocess.run(
    ["Rscript", "-e", "library(hdf5r)"], capture_output=True).returncode == 0


@pytest.mark.skipif(not R_READS_HDF5R, reason="R with hdf5r is not installed")
def test_hdf5r_reads_summary_series_and_attributes(fast_run):
    script = (f'f <- hdf5r::H5File$new("{fast_run.output}", "r"); '
              'cat(f[["summary/any_bf_6w"]][], sep="\\n"); '
              'cat(dim(f[["timeseries/any_bf_share"]][,]), sep="\\n"); '
              'cat(hdf5r::h5attr(f, "scenario_name"), hdf5r::h5attr(f[["summary/any_bf_6w"]], "units"), sep="\\n")')
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    with h5py.File(fast_run.output, "r") as f:
        expected = f["summary/any_bf_6w"][:]
        runs, days = f["timeseries/any_bf_share"].shape
    n = len(expected)
    np.testing.assert_allclose([float(x) for x in lines[:n]], expected, rtol=1e-6)
    assert [int(x) for x in lines[n:n + 2]] == [days, runs]  # R lists dimensions in reverse
    assert lines[n + 2:n + 4] == ["breastfriends", "share of mothers"]
