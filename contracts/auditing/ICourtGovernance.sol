// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IOutcomeCourt} from "./IOutcomeCourt.sol";

/// @title ICourtGovernance
/// @notice The consortium's governors change the court's parameters by a strict majority of those in office. Kept
/// apart from the court (which it alone may set parameters on) so the court's code stays under the EIP-170 limit.
interface ICourtGovernance {
    error NotGovernor(address account);
    error UnknownProposal(bytes32 id);
    error AlreadyApproved(bytes32 id, address governor);

    event ParamsProposed(bytes32 indexed id, address indexed governor, IOutcomeCourt.Params params);
    event ParamsApproved(bytes32 indexed id, address indexed governor);

    /// @notice Proposes new parameters (checked as the court checks them); executes at once when the proposer alone
    /// is a majority of governors. Only governors. The id is keccak256(chainid, this, proposer, params).
    function proposeParams(IOutcomeCourt.Params calldata proposed) external returns (bytes32 id);

    /// @notice Approves a parameter proposal; the court's parameters change when a strict majority of governors in
    /// office approved.
    function approveParams(bytes32 id) external;

    /// @notice The court governed.
    function court() external view returns (IOutcomeCourt);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
