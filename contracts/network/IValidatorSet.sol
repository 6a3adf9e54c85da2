// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IValidatorSet
/// @notice The consortium's decisions on who validates: a change adds or removes one validator (a node's signer
/// address, run by a member) and takes effect once a strict majority of the CURRENT governors of the consortium
/// registry approved it before its deadline. The proposer's own approval counts. Each member's agent applies every
/// executed decision to its own node (Clique: `clique_propose`), so the engine's signer set follows governance; a
/// proof-of-authority engine still needs a majority of its signers voting, which is why every validator's agent votes.
/// @dev Change ids derive from their content and their proposer (`changeIdOf`), never from a counter, so the id an
/// agent acknowledges is the id on chain after any replay. Validators decided here are listed by `getValidators`
/// (the shape of Besu's validator-contract mode); a network's genesis signers are listed once governance adds them.
interface IValidatorSet {
    /// @notice What a change does.
    enum ChangeKind {
        Add,
        Remove
    }

    /// @notice Where a change stands. `Expired` is never stored: a pending change reads as expired after its deadline.
    enum ChangeStatus {
        None,
        Pending,
        Executed,
        Canceled,
        Expired
    }

    /// @notice A validator change.
    struct Change {
        ChangeKind kind;
        ChangeStatus status;
        address signer;
        address operator;
        address proposer;
        uint64 deadline;
        uint256 approvals;
    }

    /// @notice The caller is not a governor of the consortium.
    error NotGovernor(address caller);
    /// @notice A change with this id exists (the same proposer, content and salt were used before).
    error ChangeIdTaken(bytes32 id);
    /// @notice No change has this id.
    error UnknownChange(bytes32 id);
    /// @notice The change is not pending (executed, canceled or expired).
    error ChangeNotPending(bytes32 id, ChangeStatus status);
    /// @notice The governor already approved this change.
    error AlreadyApproved(bytes32 id, address governor);
    /// @notice Only the proposer may cancel a pending change.
    error NotProposer(bytes32 id, address caller);
    /// @notice `signer` is a validator already (Add).
    error AlreadyValidator(address signer);
    /// @notice The operator named for a validator is not a member of the consortium.
    error OperatorNotMember(address operator);
    /// @notice The zero address was given as a signer.
    error ZeroSigner();
    /// @notice The voting period is outside [min, max] seconds.
    error VotingPeriodOutOfRange(uint64 period, uint64 min, uint64 max);

    /// @notice A change was proposed (and approved by its proposer).
    event ValidatorChangeProposed(
        bytes32 indexed id,
        ChangeKind kind,
        address indexed signer,
        address indexed operator,
        address proposer,
        uint64 deadline
    );
    /// @notice A governor approved a change; `approvals` counts current governors' approvals.
    event ValidatorChangeApproved(bytes32 indexed id, address indexed governor, uint256 approvals);
    /// @notice The proposer canceled a pending change.
    event ValidatorChangeCanceled(bytes32 indexed id);
    /// @notice An executed change made `signer` (run by `operator`) a validator.
    event ValidatorAdded(bytes32 indexed id, address indexed signer, address indexed operator);
    /// @notice An executed change removed `signer` from the validators.
    event ValidatorRemoved(bytes32 indexed id, address indexed signer, address indexed operator);

    /// @notice The id a change gets: keccak256 of the chain, this contract, the proposer, its content and a salt.
    function changeIdOf(
        address proposer,
        ChangeKind kind,
        address signer,
        address operator,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice Proposes adding or removing `signer` (run by the member `operator`); the caller must be a governor and
    /// approves it. Executes at once when that is already a majority.
    function proposeChange(
        ChangeKind kind,
        address signer,
        address operator,
        uint64 votingPeriod,
        bytes32 salt
    ) external returns (bytes32 id);

    /// @notice Approves a pending change; executes it when the approvals of current governors are a majority.
    function approveChange(bytes32 id) external;

    /// @notice The proposer withdraws a pending change.
    function cancelChange(bytes32 id) external;

    /// @notice A change by id (status `None` when unknown).
    function change(bytes32 id) external view returns (Change memory);

    /// @notice Whether `governor` approved change `id`.
    function hasApproved(bytes32 id, address governor) external view returns (bool);

    /// @notice The validators governance decided, in the order they were added (Besu validator-contract shape).
    function getValidators() external view returns (address[] memory);

    /// @notice The member running validator `signer`; zero when `signer` is not a validator.
    function operatorOf(address signer) external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
