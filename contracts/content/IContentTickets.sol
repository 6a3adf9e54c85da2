// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";

/// @title IContentTickets
/// @notice Distributable property sold in identical units (event tickets, editions) as ERC-1155 tokens, so standard
/// wallets and marketplaces hold and trade them, with the creator's resale royalty signalled by ERC-2981. A member
/// holding the consortium's CSP role registers a class with its fingerprint (a hash of the event's or edition's
/// defining data; registered once) and its supply, which is minted to it. The class id derives from the fingerprint
/// and the registrant like a ContentRegistry token id, never from a counter: high 160 bits the registrant, next 16 the
/// royalty in basis points, low 80 the low bits of keccak256(chain id, this contract, fingerprint, registrant).
interface IContentTickets is IERC1155, IERC2981 {
    /// @notice The caller does not hold the CSP role in the consortium registry, so it may not register classes.
    error NotVettedIssuer(address caller);
    /// @notice `fingerprint` is already registered as class `id`.
    error TicketClassTaken(bytes32 fingerprint, uint256 id);
    /// @notice A royalty above 100% (10,000 basis points).
    error TicketRoyaltyTooHigh(uint16 royaltyBps);
    /// @notice A zero fingerprint or supply; names the argument.
    error InvalidTicketArgument(string what);

    /// @notice `registrant` registered class `id` of `supply` units with `fingerprint` and off-chain metadata hash
    /// `metadataHash` (venue, date, seat map: never personal data). The units are in the ERC-1155 TransferSingle.
    event TicketClassRegistered(
        uint256 indexed id,
        address indexed registrant,
        bytes32 indexed fingerprint,
        uint16 royaltyBps,
        uint256 supply,
        bytes32 metadataHash
    );

    /// @notice Registers a class of `supply` units to the caller and returns its id.
    function registerClass(
        bytes32 fingerprint,
        uint256 supply,
        uint16 royaltyBps,
        bytes32 metadataHash
    ) external returns (uint256 id);

    /// @notice The id a class of `fingerprint` registered by `registrant` with `royaltyBps` gets.
    function classIdOf(bytes32 fingerprint, address registrant, uint16 royaltyBps) external view returns (uint256);

    /// @notice Units registered in the class (0 if none).
    function supplyOf(uint256 id) external view returns (uint256);

    /// @notice The contract's version, "1.0.0".
    function version() external pure returns (string memory);
}
