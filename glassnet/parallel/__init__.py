"""Data-parallel training over MPI: ``gn.parallel.fit`` and ``mpiexec -n N glassnet train``.

See docs/distributed.md for running across machines (hostfile, Slurm) and the
measured scaling.
"""

from glassnet.parallel.api import fit as fit
from glassnet.parallel.data_parallel import DataParallel as DataParallel
from glassnet.parallel.failure import abort_on_error as abort_on_error
from glassnet.parallel.failure import install_excepthook as install_excepthook
from glassnet.parallel.failure import supervise as supervise
from glassnet.parallel.world import LocalWorld as LocalWorld
from glassnet.parallel.world import MPIWorld as MPIWorld
from glassnet.parallel.world import ParallelError as ParallelError
from glassnet.parallel.world import under_mpi as under_mpi
from glassnet.parallel.world import world as world

__all__ = [
    "DataParallel",
    "LocalWorld",
    "MPIWorld",
    "ParallelError",
    "abort_on_error",
    "fit",
    "install_excepthook",
    "supervise",
    "under_mpi",
    "world",
]
