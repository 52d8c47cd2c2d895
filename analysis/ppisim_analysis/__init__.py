"""Analysis of ppisim results files (HDF5): loading, statistics, plots and reports.

    import sys; sys.path.insert(0, "analysis")       # from the repository root
    from ppisim_analysis import load_results, summarise, compare

Only Debian's python3 packages are needed: python3-h5py, python3-numpy,
python3-pandas, python3-scipy, python3-matplotlib and python3-yaml.
"""

from .load import FORMAT, FORMAT_VERSION, Results, load_results
from .stats import ANY_BF_AGES, Estimate, compare, quantile_bands, summarise

__all__ = [
    "ANY_BF_AGES",
    "Estimate",
    "FORMAT",
    "FORMAT_VERSION",
    "Results",
    "compare",
    "load_results",
    "quantile_bands",
    "summarise",
]
