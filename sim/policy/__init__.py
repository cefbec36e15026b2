"""Policy levers, one config group = one module.

==================  ================================  ============================================
config group        module                            what it feeds the model and the kernel
==================  ================================  ============================================
``land``            :mod:`sim.policy.land`            park capacity, closed urban parks, the
                                                      yearly quota and re-used vacated land
                                                      (county governments); park terms
                                                      ``land_tax``, ``rent_per_mu``,
                                                      ``resale_per_mu``
``subsidy``         :mod:`sim.policy.subsidy`         park terms ``upgrade_subsidy_share``,
                                                      ``subsidy_eligible``; ladder rewards
                                                      (upgrade utility, promotion hazard);
                                                      attraction incentive (entry); default
                                                      relocation subsidy
``evaluation``      :mod:`sim.policy.evaluation`      yearly classes; firm terms ``relief``,
                                                      ``surcharge_rate``, ``class_d``,
                                                      ``must_rectify``; parks that attract
                                                      entrants
``credit``          :mod:`sim.policy.credit`          firm term ``credit_cost`` (extra interest by
                                                      class)
``rights``          :mod:`sim.policy.rights`          energy-use and emission rights: pools (main
                                                      platforms, the rest of each county), caps
                                                      with the tilt, prices, class terms; park
                                                      terms ``rights`` (pool, price, reserve),
                                                      firm terms ``rights`` (use, held, class)
``characteristic``  :mod:`sim.policy.characteristic`  the paths of the characteristic bases:
                                                      closed parks, the small parks' floor space,
                                                      incubation and graduation (firm term
                                                      ``must_leave``); park terms
                                                      ``renters_only``, ``focus_only``
``chains``          :mod:`sim.policy.chains`          chain leaders of the platforms' leading
                                                      industries (off by default): park term
                                                      ``chain_pull``, herding after a leader's
                                                      move
``exit_strategy``   :mod:`sim.policy.exit_strategy`   the exit list, its schedule and clearance
                                                      (firm term ``must_leave``); park terms
                                                      ``vacating``, ``compensation``,
                                                      ``late_compensation`` (and renters'),
                                                      ``relocation_subsidy``; closed listed parks
``urban``           :mod:`sim.policy.urban`           the conversion of urban-transition parks:
                                                      their notice and deadline (firm term
                                                      ``must_leave``), park terms merged over the
                                                      exit schedule's (vacating, compensation at
                                                      urban land value); land converted and sold
``fiscal``          :mod:`sim.policy.fiscal`          budgets below the county (platforms, towns),
                                                      the sharing rule (relocated firms' origin
                                                      shares, platform-town key) and the towns'
                                                      cooperation with clearing (clearance pace)
==================  ================================  ============================================

Every module has the same parts: ``GROUP`` (the config group's name), ``Config`` (its
structured-config schema: Hydra rejects unknown keys and wrong types), ``validate(cfg,
registry)`` (domain rules, one :class:`~sim.domain.ConfigError` naming the key) and
``build(cfg, world)`` (the runtime object the model reads). Park terms reach the kernel through
:class:`agents.choice.ParkView`, firm terms through :class:`agents.choice.DeciderRows`.
A new group is a new module here, listed in :data:`POLICIES`, with its YAML files under
``configs/<group>/`` and a default in ``configs/config.yaml``; see docs/ARCHITECTURE.md.
"""

from . import (
               chains,
               characteristic,
               credit,
               evaluation,
               exit_strategy,
               fiscal,
               land,
               rights,
               subsidy,
               urban,
)

#: the policy groups, in the order they are validated and built
POLICIES = (land, subsidy, evaluation, credit, rights, characteristic, chains, exit_strategy,
            urban, fiscal)

__all__ = ["POLICIES", "chains", "characteristic", "credit", "evaluation", "exit_strategy",
           "fiscal", "land", "rights", "subsidy", "urban"]
