// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IPortClearing
/// @notice Number-port clearing between TN service providers, with the clearinghouse's states: the gaining provider
/// requests a port of numbers (a list, or a range `start, start + step, ...`; a bulk port is one request), the losing
/// provider concurs or refuses with a reason before the concurrence deadline, the gaining provider schedules and, at
/// or after the scheduled time and before the activation window closes, activates (one port, or many in one batch).
/// The losing provider may put a concurred or scheduled port in conflict (a dispute) and resolve it; the gaining
/// provider may cancel any open port. Nothing activates without the losing provider's concurrence.
/// @dev Numbers are E.164 numbers as integers (1 to 15 digits, so no leading zero is lost). They are public numbers
/// held by providers, not personal data: they travel in calldata and in the request's event only; storage keeps a
/// digest of them per port and one slot per number, keyed by keccak256(abi.encode(number)), naming the last port that
/// held it. A number is in at most one open port: its slot names a port that is no longer open, or none. A range is
/// its numbers (each holds its own slot), so a range and a number inside it always conflict; there are no bare
/// prefixes on chain (a whole block is a range of 10^k numbers, which the EIDL side ports as one prefix grant).
/// Activation records the clearing only; the EIDL number port is executed by the Numbering Authority with the port id
/// as evidence. Ids derive from content and creator.
interface IPortClearing {
    /// @notice Where a port stands. `None` is never stored for a port that exists.
    enum PortState {
        None,
        Requested,
        Concurred,
        Refused,
        Scheduled,
        Activated,
        Cancelled,
        Conflict
    }

    /// @notice A port as stored (its numbers are in its request's event; `numbersDigest` binds them).
    struct Port {
        address gaining;
        address losing;
        PortState state;
        uint16 reason;
        uint64 requestedAt;
        uint64 concurBy;
        uint64 activateAt;
        uint64 activatedAt;
        uint32 count;
        bytes32 numbersDigest;
    }

    /// @notice A port of a list of numbers was requested.
    event PortRequested(
        bytes32 indexed portId,
        address indexed gaining,
        address indexed losing,
        uint64 concurBy,
        uint64[] numbers
    );
    /// @notice A port of the range `start + i * step` (i < count) was requested.
    event PortRangeRequested(
        bytes32 indexed portId,
        address indexed gaining,
        address indexed losing,
        uint64 concurBy,
        uint64 start,
        uint32 count,
        uint64 step
    );
    event PortConcurred(bytes32 indexed portId, address indexed losing);
    event PortRefused(bytes32 indexed portId, address indexed losing, uint16 reason);
    event PortScheduled(bytes32 indexed portId, address indexed gaining, uint64 activateAt);
    event PortActivated(bytes32 indexed portId, address indexed gaining, address indexed losing);
    event PortCancelled(bytes32 indexed portId, address indexed gaining);
    event PortConflict(bytes32 indexed portId, address indexed losing, uint16 reason);
    event PortConflictResolved(bytes32 indexed portId, address indexed losing);

    /// @notice A constructor address is zero.
    error ZeroAddress();
    /// @notice `account` does not act for a member holding TNSP.
    error NotAProvider(address account);
    /// @notice A port between a provider and itself.
    error SameProvider(address provider);
    /// @notice The number list is empty or longer than `max`.
    error BadNumberCount(uint256 count, uint256 max);
    /// @notice A range of `count` numbers: empty, or more than `max` (too large for one transaction).
    error RangeTooLarge(uint256 count, uint256 max);
    /// @notice A range with a zero step.
    error BadRangeStep(uint64 step);
    /// @notice `number` is not an E.164 number of 1 to 15 digits (0, or 10^15 and above).
    error MalformedNumber(uint256 number);
    /// @notice `number` is already in open port `portId` (named twice in one request: the same port).
    error NumberInOpenPort(uint64 number, bytes32 portId);
    /// @notice The concurrence window is outside [min, max] seconds.
    error ConcurrenceWindowOutOfRange(uint64 window, uint64 min, uint64 max);
    /// @notice A port with this id exists: choose another salt.
    error PortIdTaken(bytes32 portId);
    /// @notice No port has this id.
    error UnknownPort(bytes32 portId);
    /// @notice `caller` is not the provider (`expected`) this step belongs to.
    error NotTheProvider(bytes32 portId, address caller, address expected);
    /// @notice The port is in `state`, where this step is not allowed.
    error InvalidPortState(bytes32 portId, PortState state);
    /// @notice The losing provider answers too late: the concurrence deadline `concurBy` passed.
    error ConcurrenceWindowClosed(bytes32 portId, uint64 concurBy);
    /// @notice Activation asked before the scheduled time, or a schedule in the past.
    error NotYetDue(bytes32 portId, uint64 activateAt);
    /// @notice The activation window after `activateAt` closed: schedule again.
    error ActivationWindowClosed(bytes32 portId, uint64 activateAt);
    /// @notice A batch activation is empty or holds more than `max` ports.
    error BadBatchSize(uint256 count, uint256 max);
    /// @notice Item `index` (port `portId`) of a batch activation is refused for `reason` (the ABI-encoded error a
    /// single activation of it raises); the whole batch is refused, nothing activated.
    error BatchItemRefused(uint256 index, bytes32 portId, bytes reason);

    /// @notice Requests the port of `numbers` (1 to MAX_NUMBERS_PER_PORT E.164 numbers) from `losing` to the caller's
    /// member (a TNSP). The losing provider must answer within `concurWindow` seconds.
    /// @return portId keccak256(abi.encode(chainid, this, gaining, losing, numbersDigest, salt)), with numbersDigest
    /// = keccak256(abi.encodePacked(numbers)) (each number as 32 bytes).
    function request(
        address losing,
        uint64[] calldata numbers,
        uint64 concurWindow,
        bytes32 salt
    ) external returns (bytes32 portId);

    /// @notice Requests the port of the range `start + i * step` for i < `count` (1 to MAX_NUMBERS_PER_PORT), as
    /// `request` of that list would: same digest, same id, same rules.
    function requestRange(
        address losing,
        uint64 start,
        uint32 count,
        uint64 step,
        uint64 concurWindow,
        bytes32 salt
    ) external returns (bytes32 portId);

    /// @notice The losing provider concurs (Requested -> Concurred), before the concurrence deadline.
    function concur(bytes32 portId) external;

    /// @notice The losing provider refuses with `reason` (Requested -> Refused); the numbers are free again.
    function refuse(bytes32 portId, uint16 reason) external;

    /// @notice The gaining provider schedules activation at `activateAt` (not in the past): Concurred -> Scheduled.
    function schedule(bytes32 portId, uint64 activateAt) external;

    /// @notice The gaining provider activates (Scheduled -> Activated) at or after `activateAt`, within
    /// ACTIVATION_WINDOW. Only once; never without concurrence. All the port's numbers at once.
    function activate(bytes32 portId) external;

    /// @notice Activates up to MAX_BATCH ports, each under `activate`'s rules, the caller acting for each port's
    /// gaining provider. All or nothing: the first refused item reverts the batch with BatchItemRefused(index, ...).
    function activateBatch(bytes32[] calldata portIds) external;

    /// @notice The gaining provider cancels an open port (Requested, Concurred, Scheduled or Conflict).
    function cancel(bytes32 portId) external;

    /// @notice The losing provider disputes a concurred or scheduled port with `reason` (-> Conflict).
    function conflict(bytes32 portId, uint16 reason) external;

    /// @notice The losing provider resolves its dispute (Conflict -> Concurred); the gaining provider schedules again.
    function resolveConflict(bytes32 portId) external;

    /// @notice Port `portId`; reverts UnknownPort when there is none.
    function portOf(bytes32 portId) external view returns (Port memory);

    /// @notice The open port holding `number`, or zero.
    function openPortOf(uint64 number) external view returns (bytes32);

    /// @notice The contract's version, "2.0.0".
    function version() external view returns (string memory);
}
