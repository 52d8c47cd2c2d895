"""Analysis of ppisim results files (HDF5): loading, statistics, plots and reports.

    import sys; sys.path.insert(0, "analysis")       # from the repository root
    from ppisim_analysis import load_results, summarise, compare
    from ppisim_analysis import sensitivity_table       # a sweep's indices, one row per factor

Only Debian's python3 packages are needed: python3-h5py, python3-numpy,
python3-pandas, python3-scipy, python3-matplotlib and python3-yaml.
"""

from .load import FORMAT, FORMAT_VERSION, NoTimeSeriesError, Results, load_results
from .stats import (ANY_BF_AGES, COMPARED_OUTCOMES, RISK_AGES, RISK_MEASURES, Estimate, analysed_outcomes,
                    checkpoint_outcomes, compare, noise_share, quantile_bands, risk_outcome, sensitivity_method,
                    sensitivity_table, stopped_risk, summarise)

__all__ = [
    "ANY_BF_AGES",
    "COMPARED_OUTCOMES",
    "RISK_AGES",
    "RISK_MEASURES",
    "Estimate",
    "FORMAT",
    "FORMAT_VERSION",
    "NoTimeSeriesError",
    "Results",
    "analysed_outcomes",
    "checkpoint_outcomes",
    "compare",
    "load_results",
    "noise_share",
    "quantile_bands",
    "risk_outcome",
    "sensitivity_method",
    "sensitivity_table",
    "stopped_risk",
    "summarise",
]
